# Runs CPack for the nightjar-packages target: cmake -DCPACK=... -DCONFIG=... -DOUT=... -P
# Removes the .deb files of earlier runs first, so that OUT holds exactly one set, and CPack's
# staging directory afterwards.
file(GLOB old ${OUT}/*.deb)
if(old)
  file(REMOVE ${old})
endif()
execute_process(COMMAND ${CPACK} --config ${CONFIG} -B ${OUT} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cpack failed (${result})")
endif()
file(REMOVE_RECURSE ${OUT}/_CPack_Packages)
file(GLOB debs ${OUT}/*.deb)
foreach(deb ${debs})
  message(STATUS "package: ${deb}")
endforeach()
